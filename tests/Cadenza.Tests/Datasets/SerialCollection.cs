namespace Cadenza.Tests.Datasets;

/// <summary>Tests that measure process-wide quantities (the managed heap) run in this collection, after the parallel ones and alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "serial";
}
