using Collab.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Collab.Tests.Infrastructure;

/// <summary>A two-silo TestCluster with the Collab grains and memory storage, shared by a collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>
    /// What Collab's storage holds for <paramref name="grain"/>'s state <paramref name="stateName"/>
    /// (the snapshot, not the activation): read through the primary silo's storage provider.
    /// </summary>
    public async Task<IGrainState<T>> StoredAsync<T>(string stateName, IAddressable grain)
    {
        var services = ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Collab);
        var snapshot = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), snapshot);
        return snapshot;
    }

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Collab:Storage:Mode"] = "Memory",
            }).Build();
            siloBuilder.AddCollabGrains(configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
