using Cadenza.Evaluation;

namespace Cadenza.Pipeline;

/// <summary>What an evaluation produced: the report and every file written.</summary>
/// <param name="Report">The measurements.</param>
/// <param name="Files">Files written (eval.png, the JSON report), in order.</param>
public sealed record EvalOutcome(EvalReport Report, IReadOnlyList<string> Files);
