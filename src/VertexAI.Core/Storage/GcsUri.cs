using System;

namespace VertexAI.Storage
{
    /// <summary>A Cloud Storage location, <c>gs://bucket/object-or-prefix</c>.</summary>
    public sealed class GcsUri
    {
        private GcsUri(string bucket, string name)
        {
            Bucket = bucket;
            Name = name;
        }

        /// <summary>The bucket.</summary>
        public string Bucket { get; }

        /// <summary>The object name or prefix (may be empty: the bucket's root).</summary>
        public string Name { get; }

        /// <summary>Parses <c>gs://bucket[/name]</c>; throws <see cref="ArgumentException"/> naming <paramref name="parameter"/> otherwise.</summary>
        public static GcsUri Parse(string value, string parameter)
        {
            if (value is null || !value.StartsWith("gs://", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{value}' is not a Cloud Storage URI: use gs://bucket/prefix/.", parameter);
            }
            var rest = value.Substring(5);
            var slash = rest.IndexOf('/');
            var bucket = slash < 0 ? rest : rest.Substring(0, slash);
            var name = slash < 0 ? string.Empty : rest.Substring(slash + 1);
            // Bucket names: 3-63 (222 with dots) lowercase letters, digits, dashes, underscores and dots.
            if (bucket.Length < 3 || bucket.Length > 222 || !IsBucketName(bucket))
            {
                throw new ArgumentException($"'{bucket}' in '{value}' is not a valid bucket name (lowercase letters, digits, '-', '_' and '.').", parameter);
            }
            return new GcsUri(bucket, name);
        }

        /// <summary>An object under this prefix: the prefix, with a '/' between when it lacks one, then <paramref name="child"/>.</summary>
        public GcsUri Child(string child)
            => new GcsUri(Bucket, Name.Length == 0 || Name.EndsWith("/", StringComparison.Ordinal) ? Name + child : Name + "/" + child);

        /// <inheritdoc/>
        public override string ToString() => "gs://" + Bucket + (Name.Length == 0 ? "" : "/" + Name);

        private static bool IsBucketName(string s)
        {
            foreach (var c in s)
            {
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) return false;
            }
            return true;
        }
    }
}
