// netstandard2.0 lacks a few compiler-support types that modern C# syntax needs.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit { }
}
