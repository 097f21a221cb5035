namespace Collab.Exercises;

/// <summary>The subjects exercises act as (<c>exercise:{id}</c>); a token may not carry one.</summary>
public static class ExerciseActors
{
    public const string SubjectPrefix = "exercise:";

    public static string SubjectOf(string exerciseId) => SubjectPrefix + exerciseId;
}
