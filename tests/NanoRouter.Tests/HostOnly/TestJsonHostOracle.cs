using System;
using System.Text.Json;

namespace NanoRouter.Tests.Support
{
    /// <summary>
    /// System.Text.Json as the second oracle for the shared tests' <see cref="TestJson"/> (in the
    /// shared helpers' namespace, as a partial class must be). Every text the shared tests read goes
    /// to JsonDocument as well: it must accept what TestJson accepts, with the same kinds, member
    /// names in the same order, strings and number texts; and refuse what TestJson refuses, except
    /// where TestJson is stricter on purpose (duplicate member names, a \u escape that leaves a lone
    /// surrogate, nesting deeper than <see cref="TestJson.MaxDepth"/>), which System.Text.Json
    /// accepts. In nanoCLR this file is not compiled and the call vanishes.
    /// </summary>
    internal static partial class TestJson
    {
        /// <summary>How many texts System.Text.Json has judged in this process (TextAndJsonOracleTests checks it is busy).</summary>
        internal static int HostOracleChecks;

        static partial void HostJson(string text, JsonNode node, string error)
        {
            HostOracleChecks++;
            JsonDocument document = null;
            string theirs = null;
            try
            {
                document = JsonDocument.Parse(text ?? string.Empty);
            }
            catch (Exception e) when (e is JsonException || e is ArgumentException)
            {
                theirs = e.GetType().Name + ": " + e.Message;
            }

            using (document)
            {
                if (node == null)
                {
                    bool stricter = error.StartsWith("duplicate member", StringComparison.Ordinal) || error.StartsWith("a lone surrogate", StringComparison.Ordinal)
                        || error.StartsWith("nested deeper than", StringComparison.Ordinal);
                    Assert.IsTrue(theirs != null || stricter, "TestJson refuses (" + error + ") what System.Text.Json reads: " + text);
                    return;
                }

                Assert.IsNull(theirs, "TestJson reads what System.Text.Json refuses (" + theirs + "): " + text);
                Same(document.RootElement, node, "$");
            }
        }

        private static void Same(JsonElement theirs, JsonNode mine, string path)
        {
            switch (theirs.ValueKind)
            {
                case JsonValueKind.Object:
                    Assert.AreEqual(JsonNodeKind.Object, mine.Kind, path);
                    int i = 0;
                    foreach (JsonProperty member in theirs.EnumerateObject())
                    {
                        Assert.IsTrue(i < mine.Count, path + ": System.Text.Json has more members");
                        Assert.AreEqual(member.Name, mine.NameAt(i), path + " member " + i);
                        Same(member.Value, mine.At(i), path + "." + member.Name);
                        i++;
                    }

                    Assert.AreEqual(i, mine.Count, path + ": members");
                    break;
                case JsonValueKind.Array:
                    Assert.AreEqual(JsonNodeKind.Array, mine.Kind, path);
                    Assert.AreEqual(theirs.GetArrayLength(), mine.Count, path + ": elements");
                    int n = 0;
                    foreach (JsonElement element in theirs.EnumerateArray())
                    {
                        Same(element, mine.At(n), path + "[" + n + "]");
                        n++;
                    }

                    break;
                case JsonValueKind.String:
                    Assert.AreEqual(JsonNodeKind.String, mine.Kind, path);
                    Assert.AreEqual(theirs.GetString(), mine.String, path);
                    break;
                case JsonValueKind.Number:
                    Assert.AreEqual(JsonNodeKind.Number, mine.Kind, path);
                    Assert.AreEqual(theirs.GetRawText(), mine.Text, path);
                    break;
                case JsonValueKind.True:
                    Assert.AreEqual(JsonNodeKind.True, mine.Kind, path);
                    break;
                case JsonValueKind.False:
                    Assert.AreEqual(JsonNodeKind.False, mine.Kind, path);
                    break;
                default:
                    Assert.AreEqual(JsonValueKind.Null, theirs.ValueKind, path);
                    Assert.AreEqual(JsonNodeKind.Null, mine.Kind, path);
                    break;
            }
        }
    }
}
