namespace Cadenza.Model;

/// <summary>A model folder or file that cannot be used: missing, corrupt, of another version or shape; the message says which and why in one line.</summary>
public sealed class ModelFormatException(string source, string problem, Exception? inner = null) : Exception($"{source}: {problem}", inner);
