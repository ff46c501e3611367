namespace Cadenza.Evaluation;

/// <summary>An evaluation that cannot run: no held-out music, a model it cannot read windows for, options out of range; one line a user can act on.</summary>
public sealed class EvaluationException(string message) : Exception(message);
