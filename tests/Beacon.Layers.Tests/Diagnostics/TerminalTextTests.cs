using Beacon.Layers.Diagnostics;

namespace Beacon.Layers.Tests.Diagnostics;

public class TerminalTextTests
{
    [Fact]
    public void User_text_shows_control_characters_instead_of_sending_them() =>
        Assert.Equal("a\\u001b[2Jb\\u202e", TerminalText.Clean("a\u001b[2Jb\u202e"));

    [Fact]
    public void A_tools_colour_codes_are_removed_and_nothing_else()
    {
        // Docker's legacy builder marks a RUN step's stderr lines with ESC[91m … ESC[0m in its JSON stream.
        Assert.Equal("warning: something\n", TerminalText.WithoutColour("\u001b[91mwarning: something\n\u001b[0m"));
        Assert.Equal("bold", TerminalText.WithoutColour("\u001b[1;31mbold\u001b[m"));
        // Any other escape stays, and Clean still shows it.
        Assert.Equal("\\u001b[2J", TerminalText.Clean(TerminalText.WithoutColour("\u001b[2J")));
        Assert.Equal("plain", TerminalText.WithoutColour("plain"));
    }
}
