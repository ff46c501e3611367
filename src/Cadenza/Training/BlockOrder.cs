using Cadenza.Common;

namespace Cadenza.Training;

/// <summary>
/// An epoch's window order for a source read from disk: blocks of consecutive windows in a shuffled order, and the
/// windows of each block shuffled among themselves, so a batch reads a few neighbouring stretches of the file instead
/// of 64 random places, and nothing of the size of the corpus is held (a full permutation would be 4 bytes a window).
/// </summary>
/// <remarks>Deterministic from the epoch's RNG and seed, so a resumed run gives the same order.</remarks>
internal sealed class BlockOrder
{
    private readonly int _count, _block;
    private readonly int[] _order;        // [blocks] the block at each slot
    private readonly int[] _slotStart;    // [blocks + 1] first position of each slot
    private readonly int[] _inBlock;      // [block] the current slot's windows, shuffled
    private int _slot = -1;
    private ulong _epochSeed;

    public BlockOrder(int count, int block)
    {
        _count = count;
        _block = Math.Max(1, block);
        int blocks = (count + _block - 1) / _block;
        _order = new int[blocks];
        _slotStart = new int[blocks + 1];
        _inBlock = new int[_block];
    }

    /// <summary>A new epoch: the blocks shuffled with <paramref name="rng"/>, the windows within each from <paramref name="epochSeed"/>.</summary>
    public void Shuffle(Rng rng, ulong epochSeed)
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        rng.Shuffle(_order.AsSpan());
        for (int s = 0; s < _order.Length; s++) _slotStart[s + 1] = _slotStart[s] + Size(_order[s]);
        _epochSeed = epochSeed;
        _slot = -1;
    }

    /// <summary>The windows at positions <paramref name="first"/>.. of this epoch's order, into <paramref name="into"/>.</summary>
    public void Take(int first, Span<int> into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            int position = first + i;
            if (_slot < 0 || position < _slotStart[_slot] || position >= _slotStart[_slot + 1]) Enter(Slot(position));
            into[i] = _order[_slot] * _block + _inBlock[position - _slotStart[_slot]];
        }
    }

    private int Size(int block) => Math.Min(_block, _count - block * _block);

    private int Slot(int position)
    {
        int s = Array.BinarySearch(_slotStart, position);
        return s >= 0 ? s : ~s - 1;
    }

    private void Enter(int slot)
    {
        _slot = slot;
        int size = Size(_order[slot]);
        for (int i = 0; i < size; i++) _inBlock[i] = i;
        new Rng(_epochSeed ^ (ulong)slot * 0x9E37_79B9_7F4A_7C15UL).Shuffle(_inBlock.AsSpan(0, size));
    }
}
