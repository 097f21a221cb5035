using Collab.Benchmarks;

return await Benchmark.RunAsync(args);
