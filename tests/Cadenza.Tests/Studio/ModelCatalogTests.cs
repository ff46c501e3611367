using Cadenza.Model;
using Cadenza.Studio;

namespace Cadenza.Tests.Studio;

/// <summary>The catalog describes each model folder once and again only when one of its files changes.</summary>
public class ModelCatalogTests
{
    [Fact]
    public void List_RereadsAFolder_WhenItsWeightsOrConfigChange_AndOnlyThen()
    {
        using var dir = new TempDir();
        string root = dir.File("models"), folder = Path.Combine(root, "a");
        MusicModel model = MusicModel.Create(ModelConfig.Paper, 1);
        ModelStore.Save(model, folder);
        var catalog = new ModelCatalog([root]);
        Assert.Equal("paper", Assert.Single(catalog.List()).Preset);

        // damaged weights (another length): the folder leaves the list at once, as when it was read every time
        string weights = Path.Combine(folder, ModelStore.WeightsFile);
        File.WriteAllBytes(weights, new byte[100]);
        Assert.Empty(catalog.List());

        // saved again, as a Cadenza model: back, described anew
        ModelStore.Save(MusicModel.Create(ModelConfig.Cadenza.WithTimeValues([[new(60, 0, 0.5), new(62, 0.5, 1)]]), 1), folder);
        CatalogModel again = Assert.Single(catalog.List());
        Assert.Equal("cadenza", again.Preset);

        // unchanged files: the same description, not a new reading
        Assert.Same(again, Assert.Single(catalog.List()));
    }

    [Fact]
    public void List_NamesThePresetWhateverTheWindow_AndGivesTheWindow()
    {
        // a Cadenza model from before the preset read 50 notes, and a padded one: both "cadenza", each with its window
        using var dir = new TempDir();
        string root = dir.File("models");
        ModelConfig timed = ModelConfig.Cadenza.WithTimeValues([[new(60, 0, 0.5), new(62, 0.5, 1)]]);
        ModelStore.Save(MusicModel.Create(timed with { SequenceLength = 25 }, 1), Path.Combine(root, "old"));
        ModelStore.Save(MusicModel.Create(timed with { PadStart = true }, 1), Path.Combine(root, "padded"));
        ModelStore.Save(MusicModel.Create(timed with { LstmUnits = [64] }, 1), Path.Combine(root, "narrow"));
        var listed = new ModelCatalog([root]).List().ToDictionary(m => m.Id.Split('/', '\\')[^1]);
        Assert.Equal(("cadenza", 25), (listed["old"].Preset, listed["old"].Window));
        Assert.Equal(("cadenza", 50), (listed["padded"].Preset, listed["padded"].Window));
        Assert.Equal("custom", listed["narrow"].Preset);   // another architecture is not the preset
    }
}
