using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Mnist.Onnx.Protobuf;

namespace Mnist.Onnx.Graph;

/// <summary>Collects the nodes, initializers, inputs and outputs of one ONNX graph, with unique names.</summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphBuilder(string graphName) => Graph = new GraphProto { Name = graphName };

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; }

    /// <summary>Number of bytes of initializer data added so far (for the 2 GiB protobuf limit).</summary>
    public long InitializerBytes { get; private set; }

    /// <summary><paramref name="wanted"/>, or it with a numeric suffix when another tensor or node already has that name.</summary>
    public string UniqueName(string wanted)
    {
        if (_names.Add(wanted)) return wanted;
        for (int i = 2; ; i++)
        {
            string candidate = $"{wanted}_{i}";
            if (_names.Add(candidate)) return candidate;
        }
    }

    /// <summary>Declares a float32 graph input or output of shape (N, <paramref name="dimensions"/>…) with a symbolic batch dimension.</summary>
    public static ValueInfoProto BatchedFloatTensor(string name, string batchDimension, IEnumerable<int> dimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchDimension });
        foreach (int d in dimensions) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>Adds a float32 initializer (little-endian raw data) and returns its name.</summary>
    public string AddFloats(string name, long[] dimensions, ReadOnlySpan<float> values)
    {
        long count = dimensions.Aggregate(1L, (a, d) => checked(a * d));
        if (count != values.Length) throw new InvalidOperationException($"Initializer '{name}' has {values.Length} values but shape ({string.Join(", ", dimensions)}).");
        byte[] bytes = new byte[checked(values.Length * sizeof(float))];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(bytes);
        else for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return AddTensor(name, dimensions, TensorProto.Types.DataType.Float, bytes);
    }

    /// <summary>Adds a float32 scalar initializer.</summary>
    public string AddFloatScalar(string name, float value) => AddFloats(name, [], [value]);

    /// <summary>Adds a float64 scalar initializer.</summary>
    public string AddDoubleScalar(string name, double value)
    {
        byte[] bytes = new byte[sizeof(double)];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        return AddTensor(name, [], TensorProto.Types.DataType.Double, bytes);
    }

    /// <summary>Adds a 1-D int64 initializer (e.g. the axes input of ReduceSum).</summary>
    public string AddInt64s(string name, long[] values)
    {
        byte[] bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        return AddTensor(name, [values.Length], TensorProto.Types.DataType.Int64, bytes);
    }

    private string AddTensor(string name, long[] dimensions, TensorProto.Types.DataType type, byte[] bytes)
    {
        string unique = UniqueName(name);
        var tensor = new TensorProto { Name = unique, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dimensions);
        Graph.Initializer.Add(tensor);
        InitializerBytes += bytes.Length;
        return unique;
    }

    /// <summary>Adds a node whose single output is named like the node; returns the output name.</summary>
    public string AddNode(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string unique = UniqueName(name);
        var node = new NodeProto { OpType = opType, Name = unique };
        node.Input.AddRange(inputs);
        node.Output.Add(unique);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return unique;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };
}
