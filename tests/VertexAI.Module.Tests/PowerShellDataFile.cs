using System.Globalization;
using System.Text;

namespace VertexAI.Module.Tests;

/// <summary>
/// Parses the literals of a PowerShell data file (.psd1) without PowerShell: hashtables <c>@{ }</c>, arrays
/// <c>@( )</c> and comma lists, 'single' and "double" quoted strings, here-strings (<c>@' '@</c>, <c>@" "@</c>),
/// numbers, <c>$true</c>/<c>$false</c>/<c>$null</c>, and <c>#</c> and <c>&lt;# #&gt;</c> comments. Hashtables become
/// case-insensitive dictionaries, arrays lists. Anything else (variables, commands, casts) is an error, as it is for
/// Import-PowerShellDataFile.
/// </summary>
public sealed class PowerShellDataFile
{
    private readonly string _text;
    private int _pos;

    private PowerShellDataFile(string text)
    {
        _text = text;
    }

    public static object? Parse(string text)
    {
        var parser = new PowerShellDataFile(text);
        parser.SkipTrivia(newlines: true);
        var value = parser.ParseValue();
        parser.SkipTrivia(newlines: true);
        if (parser._pos != text.Length)
        {
            throw parser.Error("unexpected text after the value");
        }

        return value;
    }

    public static Dictionary<string, object?> ParseHashtable(string text) =>
        Parse(text) as Dictionary<string, object?> ?? throw new FormatException("The data file is not a hashtable.");

    /// <summary>A value, or a comma list of values (which is an array).</summary>
    private object? ParseValue()
    {
        var first = ParseSingle();
        SkipTrivia(newlines: false);
        if (Peek() != ',')
        {
            return first;
        }

        var list = new List<object?> { first };
        while (Peek() == ',')
        {
            _pos++;
            SkipTrivia(newlines: true);
            list.Add(ParseSingle());
            SkipTrivia(newlines: false);
        }

        return list;
    }

    private object? ParseSingle()
    {
        var c = Peek();
        if (c == '@' && Peek(1) == '{')
        {
            return ParseHashtableLiteral();
        }

        if (c == '@' && Peek(1) == '(')
        {
            return ParseArray();
        }

        if (c == '@' && (Peek(1) == '\'' || Peek(1) == '"'))
        {
            return ParseHereString();
        }

        if (c == '\'' || IsSingleQuote(c))
        {
            return ParseSingleQuoted();
        }

        if (c == '"' || IsDoubleQuote(c))
        {
            return ParseDoubleQuoted();
        }

        if (c == '$')
        {
            var name = ReadWord(1);
            return name.ToLowerInvariant() switch
            {
                "$true" => true,
                "$false" => false,
                "$null" => null,
                _ => throw Error($"variables are not allowed in a data file ({name})"),
            };
        }

        if (char.IsDigit(c) || ((c == '-' || c == '+' || c == '.') && char.IsDigit(Peek(1))))
        {
            return ParseNumber();
        }

        throw Error($"unexpected '{c}'");
    }

    private Dictionary<string, object?> ParseHashtableLiteral()
    {
        _pos += 2;
        var table = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipTrivia(newlines: true, semicolons: true);
            if (Peek() == '}')
            {
                _pos++;
                return table;
            }

            var key = ParseKey();
            SkipTrivia(newlines: false);
            Expect('=');
            SkipTrivia(newlines: true);
            var value = ParseValue();
            if (!table.TryAdd(key, value))
            {
                throw Error($"duplicate key '{key}'");
            }

            SkipTrivia(newlines: false);
            var next = Peek();
            if (next is not (';' or '\n' or '\r' or '}'))
            {
                throw Error($"expected a new line, ';' or '}}' after the value of '{key}'");
            }
        }
    }

    private string ParseKey()
    {
        var c = Peek();
        if (c == '\'' || IsSingleQuote(c))
        {
            return ParseSingleQuoted();
        }

        if (c == '"' || IsDoubleQuote(c))
        {
            return ParseDoubleQuoted();
        }

        var word = ReadWord(0);
        return word.Length > 0 ? word : throw Error("expected a key");
    }

    private List<object?> ParseArray()
    {
        _pos += 2;
        var list = new List<object?>();
        while (true)
        {
            SkipTrivia(newlines: true, semicolons: true);
            if (Peek() == ')')
            {
                _pos++;
                return list;
            }

            // Inside @( ) the output of each statement is enumerated one level, as PowerShell does:
            // @('a', 'b') has two elements, and so does @(@('a', 'b'), 'c') (an array and a string).
            var value = ParseValue();
            if (value is List<object?> items)
            {
                list.AddRange(items);
            }
            else
            {
                list.Add(value);
            }
        }
    }

    private string ParseSingleQuoted()
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var c = _text[_pos++];
            if (c == '\'' || IsSingleQuote(c))
            {
                if (Peek() == '\'' || IsSingleQuote(Peek()))
                {
                    sb.Append('\'');
                    _pos++;
                    continue;
                }

                return sb.ToString();
            }

            sb.Append(c);
        }
    }

    private string ParseDoubleQuoted()
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var c = _text[_pos++];
            if (c == '`')
            {
                sb.Append(Escape(_text[_pos++]));
                continue;
            }

            if (c == '"' || IsDoubleQuote(c))
            {
                if (Peek() == '"' || IsDoubleQuote(Peek()))
                {
                    sb.Append('"');
                    _pos++;
                    continue;
                }

                return sb.ToString();
            }

            if (c == '$' && (Peek() == '(' || char.IsLetter(Peek()) || Peek() == '{'))
            {
                throw Error("expandable strings with variables or subexpressions are not allowed in a data file");
            }

            sb.Append(c);
        }
    }

    private string ParseHereString()
    {
        var quote = _text[_pos + 1];
        _pos += 2;
        // The opening quote must end its line; the closing quote starts a line.
        while (Peek() is ' ' or '\t')
        {
            _pos++;
        }

        if (Peek() == '\r')
        {
            _pos++;
        }

        if (Peek() != '\n')
        {
            throw Error("a here-string must start a new line after its opening quote");
        }

        _pos++;
        var start = _pos;
        // Searching from the line break that ended the opening line also finds an empty here-string.
        var end = _text.IndexOf("\n" + quote + "@", start - 1, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("unterminated here-string");
        }

        var body = end < start ? string.Empty : _text[start..end].TrimEnd('\r');
        _pos = end + 3;
        if (quote == '"' && body.Contains('`'))
        {
            var sb = new StringBuilder();
            for (var i = 0; i < body.Length; i++)
            {
                sb.Append(body[i] == '`' && i + 1 < body.Length ? Escape(body[++i]) : body[i]);
            }

            body = sb.ToString();
        }

        return body;
    }

    private object ParseNumber()
    {
        var start = _pos;
        if (Peek() is '-' or '+')
        {
            _pos++;
        }

        if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X'))
        {
            _pos += 2;
            var hexStart = _pos;
            while (Uri.IsHexDigit(Peek()))
            {
                _pos++;
            }

            var hex = long.Parse(_text[hexStart.._pos], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            return _text[start] == '-' ? -hex : hex;
        }

        while (char.IsDigit(Peek()) || Peek() == '.' || Peek() is 'e' or 'E' || ((Peek() is '-' or '+') && _text[_pos - 1] is 'e' or 'E'))
        {
            _pos++;
        }

        var literal = _text[start.._pos];
        if (long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        return double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            ? real
            : throw Error($"'{literal}' is not a number");
    }

    private string ReadWord(int skip)
    {
        var start = _pos;
        _pos += skip;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '-' or '.'))
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    /// <summary>Skips spaces, comments and (when asked) line breaks and semicolons; a backtick at a line end continues the line.</summary>
    private void SkipTrivia(bool newlines, bool semicolons = false)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' or '\f' or '\uFEFF' || (newlines && c is '\r' or '\n') || (semicolons && c == ';'))
            {
                _pos++;
            }
            else if (c == '`' && Peek(1) is '\r' or '\n')
            {
                _pos += Peek(1) == '\r' && Peek(2) == '\n' ? 3 : 2;
            }
            else if (c == '<' && Peek(1) == '#')
            {
                var end = _text.IndexOf("#>", _pos + 2, StringComparison.Ordinal);
                _pos = end < 0 ? throw Error("unterminated block comment") : end + 2;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] is not ('\r' or '\n'))
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }

        _pos++;
    }

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private static char Escape(char c) => c switch
    {
        '0' => '\0',
        'a' => '\a',
        'b' => '\b',
        'e' => '\u001b',
        'f' => '\f',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\v',
        _ => c,
    };

    // PowerShell also accepts typographic quotes as string delimiters.
    private static bool IsSingleQuote(char c) => c is '\u2018' or '\u2019' or '\u201A' or '\u201B';

    private static bool IsDoubleQuote(char c) => c is '\u201C' or '\u201D' or '\u201E';

    private FormatException Error(string message)
    {
        var line = 1 + _text.AsSpan(0, Math.Min(_pos, _text.Length)).Count('\n');
        return new FormatException($"Line {line}: {message}.");
    }
}
