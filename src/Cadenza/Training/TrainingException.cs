namespace Cadenza.Training;

/// <summary>Training cannot start or go on (bad settings, no data, a non-finite loss, an unusable checkpoint); one line a user can act on.</summary>
public sealed class TrainingException(string message, Exception? inner = null) : Exception(message, inner);
