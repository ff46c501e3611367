namespace Cadenza.Corpus;

/// <summary>The part of a dataset a piece belongs to, as the dataset's authors assigned it (MAESTRO's <c>split</c> column).</summary>
public enum DataSplit : byte
{
    /// <summary>For training.</summary>
    Train = 0,

    /// <summary>For validation (early stopping, model choice).</summary>
    Validation = 1,

    /// <summary>Held out for the final evaluation.</summary>
    Test = 2,
}
