using Collab.Incidents;

namespace Collab.Tests.Grains;

/// <summary>What the public mask catches (including spellings meant to slip past it) and what it leaves alone.</summary>
public sealed class PersonalDataMaskTests
{
    [Theory]
    // Masked before and still masked.
    [InlineData("call 0612345678", "call [phone]")]
    [InlineData("call 06-12345678", "call [phone]")]
    [InlineData("Witness: +31 6 1234 5678, plate 12-ABC-3", "Witness: [phone], plate [plate]")]
    [InlineData("Car AB-123-C hit a post, mail me at ana@example.org", "Car [plate] hit a post, mail me at [e-mail]")]
    [InlineData("plate AB 123 CD", "plate [plate]")]
    [InlineData("call +31 (0)6 1234 5678 now", "call [phone] now")]
    [InlineData("call (020) 123 4567 now", "call [phone] now")]
    // Phone numbers with other separators.
    [InlineData("call 06.12.34.56.78", "call [phone]")]
    [InlineData("call 06_12_34_56_78", "call [phone]")]
    [InlineData("call 06,12,34,56,78", "call [phone]")]
    [InlineData("call 06\u201112345678", "call [phone]")]
    [InlineData("call 06\u2013123\u2013456\u201378", "call [phone]")]
    [InlineData("call 06\u00a01234\u00a05678", "call [phone]")]
    [InlineData("call 0\u200b6\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8", "call [phone]")]
    [InlineData("call 06\u00ad1234\u00ad5678", "call [phone]")]
    [InlineData("call 06\u20601234\ufeff5678", "call [phone]")]
    [InlineData("call 06\u202e8765\u202c4321 please", "call [phone] please")]
    [InlineData("call 06\u20661234\u20695678", "call [phone]")]
    [InlineData("call \uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "call [phone]")]
    // E-mail addresses spelt out or with look-alike characters.
    [InlineData("mail ana\uff20example.org", "mail [e-mail]")]
    [InlineData("mail ana(at)example(dot)org", "mail [e-mail]")]
    [InlineData("mail ana [at] example [dot] org", "mail [e-mail]")]
    [InlineData("mail ana at example dot org please", "mail [e-mail] please")]
    [InlineData("mail ana at example.org", "mail [e-mail]")]
    [InlineData("mail ana@ex\u0430mple.org", "mail [e-mail]")]
    [InlineData("mail an\u200ba@example.org", "mail [e-mail]")]
    // Plates in other spellings (Dutch sidecodes).
    [InlineData("car ab-123-c", "car [plate]")]
    [InlineData("car AB123C", "car [plate]")]
    [InlineData("car AB\u2011123\u2011C", "car [plate]")]
    [InlineData("car 12\u2011abc\u20113", "car [plate]")]
    [InlineData("car XX\u00ad99\u00adXX", "car [plate]")]
    [InlineData("car 1-ab-234 and G-123-ab", "car [plate] and [plate]")]
    [InlineData("car \uff21\uff22\uff0d\uff11\uff12\uff13\uff0d\uff23", "car [plate]")]
    public void PersonalDataIsMaskedHoweverItIsSpelt(string text, string masked)
    {
        Assert.Equal(masked, PersonalDataMask.Mask(text));
    }

    [Theory]
    [InlineData("a code of 12345678 (8 digits)")]
    [InlineData("lives at number 12")]
    [InlineData("houses 12, 14, 16, 18, 20 and 22")]
    [InlineData("since 2024-05-06 12:30 the light is out")]
    [InlineData("at 12:30 06-05-2024 the light went out")]
    [InlineData("meet me at home dot")]
    [InlineData("I was at school. Then it rained")]
    [InlineData("flight KL1234 landed")]
    [InlineData("a 2-to-1 vote, in 15 min, at 10 am on the A12")]
    [InlineData("re-run-2 of the covid-19 test")]
    [InlineData("café ﬁne ½ m² \u0645\u0631\u062d\u0628\u0627")]
    [InlineData("line one\nline two\twith a tab")]
    public void OrdinaryTextIsLeftAlone(string text)
    {
        Assert.Equal(text, PersonalDataMask.Mask(text));
    }

    [Fact]
    public void TextAroundAMaskKeepsItsOriginalCharacters()
    {
        Assert.Equal("ﬁne ½ call [phone] at ﬁve", PersonalDataMask.Mask("ﬁne ½ call 06\u200b12345678 at ﬁve"));
    }

    [Theory]
    [InlineData("b.")]
    [InlineData("1 ")]
    [InlineData("a")]
    [InlineData("ab-")]
    [InlineData("ana at ")]
    [InlineData("x dot ")]
    [InlineData("1,")]
    [InlineData("a-")]
    [InlineData("\u200b1")]
    public void LongHostileTextIsMaskedInLinearTime(string unit)
    {
        var text = "x@" + string.Concat(Enumerable.Repeat(unit, 4_000 / unit.Length)) + "!";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        PersonalDataMask.Mask(text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"{watch.Elapsed} for '{unit}'");
    }
}
