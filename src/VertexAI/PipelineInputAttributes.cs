using System;
using System.Collections;
using System.Management.Automation;

namespace VertexAI.Commands
{
    /// <summary>
    /// Keeps one piped object bound to one parameter. PowerShell's binder tries every pipeline parameter still unbound,
    /// first without and then with type conversion, so a piped message would also bind, converted to its text, to a
    /// <c>string</c> parameter and be sent as an invented prompt. A guard on a parameter declines what is not its own kind
    /// by throwing an invalid cast from its transformation: for pipeline input the binder takes that as "this parameter
    /// does not take it" and goes on to the next one (Windows PowerShell 5.1's binder does the same). Given on the command
    /// line, the same refusal is an error that names the value's type.
    /// </summary>
    internal abstract class PipelineGuardAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value is null || Accepts(value)) return inputData;
            if (value is IList list && !(value is IDictionary))
            {
                foreach (var item in list)
                {
                    var element = item is PSObject itemPso ? itemPso.BaseObject : item;
                    if (element is not null && !Accepts(element)) throw Decline(element);
                }
                return inputData;
            }
            throw Decline(value);
        }

        /// <summary>Whether a single value (not a list) is this parameter's kind.</summary>
        protected abstract bool Accepts(object value);

        /// <summary>The message of the refusal, naming the value's type.</summary>
        protected abstract string Describe(Type type);

        private Exception Decline(object value) => Decline(Describe(value.GetType()));

        /// <summary>The refusal PowerShell's pipeline binder skips quietly: an invalid cast inside a transformation error.</summary>
        protected static Exception Decline(string message)
            => new ArgumentTransformationMetadataException(message, new PSInvalidCastException(message));

        /// <summary>Text and plain values (numbers, booleans, dates, ...): what may be sent as text.</summary>
        internal static bool IsText(object value)
        {
            if (value is string || value is char || value is bool || value is decimal || value is DateTime || value is DateTimeOffset
                || value is Guid || value is TimeSpan || value is Uri) return true;
            var type = value.GetType();
            return type.IsPrimitive || type.IsEnum;
        }
    }

    /// <summary>A prompt or message text: text and plain values only, never an object's ToString().</summary>
    internal sealed class TextInputAttribute : PipelineGuardAttribute
    {
        private readonly string _properties;

        /// <param name="properties">The properties the parameter binds by name, named in the refusal (none: text only).</param>
        public TextInputAttribute(params string[] properties)
            => _properties = properties.Length == 0 ? "" : ", or an object with a " + string.Join(" or ", properties) + " property";

        protected override bool Accepts(object value) => IsText(value);

        protected override string Describe(Type type)
            => $"A {type.FullName} is not text: give text{_properties}.";
    }

    /// <summary>Only objects that already are <see cref="ChatMessage"/>s: no conversion from hashtables or other objects.</summary>
    internal sealed class MessageInputAttribute : PipelineGuardAttribute
    {
        protected override bool Accepts(object value) => value is ChatMessage;

        protected override string Describe(Type type)
            => $"A {type.FullName} is not a message: make messages with New-GeminiMessage (or cast: [VertexAI.ChatMessage]::new('user', 'text')).";
    }

    /// <summary>Only <see cref="ChatCompletion"/>s (answers of Invoke-GeminiChat).</summary>
    internal sealed class CompletionInputAttribute : PipelineGuardAttribute
    {
        protected override bool Accepts(object value) => value is ChatCompletion;

        protected override string Describe(Type type) => $"A {type.FullName} is not a completion of Invoke-GeminiChat.";
    }

    /// <summary>
    /// Guards the catch-all <c>-InputObject</c> of the chat cmdlets: it takes only what no other pipeline parameter takes,
    /// so the command can refuse that by its type before anything is sent; it declines text, messages, completions and
    /// objects with a Prompt property (those bind by property name).
    /// </summary>
    internal sealed class UnclaimedInputAttribute : PipelineGuardAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
            => IsClaimed(inputData) ? throw Decline("The input is taken by another parameter.") : inputData;

        protected override bool Accepts(object value) => !IsClaimed(value);

        protected override string Describe(Type type) => $"A {type.FullName} is taken by another parameter.";

        private static bool IsClaimed(object? input)
        {
            var value = input is PSObject pso ? pso.BaseObject : input;
            if (value is null || PipelineGuardAttribute.IsText(value) || value is ChatMessage || value is ChatCompletion) return true;
            if (value is IList list && !(value is IDictionary))
            {
                foreach (var item in list)
                {
                    if (!IsClaimed(item)) return false;
                }
                return true;
            }
            return PSObject.AsPSObject(input!).Properties["Prompt"] is not null;
        }
    }
}
