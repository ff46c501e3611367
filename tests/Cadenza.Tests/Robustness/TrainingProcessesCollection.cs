namespace Cadenza.Tests.Robustness;

/// <summary>
/// Tests that start real training processes and wait on them (kill, Ctrl+C, a second writer, a full disk) run one
/// after another in this collection: two of them at once on 2 cores made their waits time out.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TrainingProcessesCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "training processes";
}
