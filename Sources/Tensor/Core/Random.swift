import RealModule

/// A seedable pseudo-random generator that gives the same numbers on every
/// machine: xoshiro256** (Blackman & Vigna) seeded through SplitMix64, with
/// its own transforms for uniform, normal, Bernoulli, gamma and beta
/// variates (no platform RNG anywhere).
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose four state words are the first four outputs of SplitMix64
    /// started at `seed`; equal seeds give equal streams.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The generator's full state as 32 bytes (little endian), for checkpoints.
    public var stateBytes: [UInt8] {
        [s0, s1, s2, s3].flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * UInt64($0))) } }
    }

    /// Restores a generator from ``stateBytes``.
    public init(stateBytes b: [UInt8]) {
        precondition(b.count == 32, "RandomGenerator(stateBytes:): needs 32 bytes, got \(b.count)")
        func word(_ k: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[8 * k + $1]) << (8 * UInt64($1)) } }
        s0 = word(0); s1 = word(1); s2 = word(2); s3 = word(3)
    }

    /// The next 64 random bits (the xoshiro256** step).
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double = 0, _ high: Double = 1) -> Double {
        low + (high - low) * nextUniform()
    }

    /// A uniform integer in `0..<bound`.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:): bound must be positive, got \(bound)")
        return Int(next() % UInt64(bound))
    }

    /// Shuffles `items` in place (Fisher–Yates: for i from n − 1 down to 1,
    /// swap i with a uniform j in 0...i).
    public mutating func shuffle<T>(_ items: inout [T]) {
        var i = items.count - 1
        while i > 0 {
            items.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
    }

    /// Standard normal by the Box–Muller transform (one value per call).
    public mutating func normal(mean: Double = 0, std: Double = 1) -> Double {
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        return mean + std * Double.sqrt(-2 * Double.log(u1)) * Double.cos(2 * Double.pi * u2)
    }

    /// 1 with probability p, else 0.
    public mutating func bernoulli(_ p: Double) -> Double { nextUniform() < p ? 1 : 0 }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by boosting.
    public mutating func gamma(shape: Double) -> Double {
        precondition(shape > 0, "gamma: shape must be positive, got \(shape)")
        if shape < 1 {
            var u = nextUniform()
            while u <= 0 { u = nextUniform() }
            return gamma(shape: shape + 1) * Double.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0, c = 1 / Double.sqrt(9 * d)
        while true {
            var x: Double, v: Double
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = nextUniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if u > 0, Double.log(u) < 0.5 * x * x + d * (1 - v + Double.log(v)) { return d * v }
        }
    }

    /// Beta(α, β) as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β) (mixup's λ).
    public mutating func beta(_ alpha: Double, _ beta: Double) -> Double {
        let x = gamma(shape: alpha), y = gamma(shape: beta)
        return x / (x + y)
    }
}

extension Tensor {
    /// Uniform values in [low, high).
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using generator: inout RandomGenerator) -> Tensor {
        var t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.fillEach { _ in generator.uniform(low, high) }
        return t
    }

    /// Normal values with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              using generator: inout RandomGenerator) -> Tensor {
        var t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.fillEach { _ in generator.normal(mean: mean, std: std) }
        return t
    }

    /// Ones with probability p, zeros otherwise (dropout masks, zoneout).
    public static func bernoulli(_ shape: [Int], probability p: Double, dtype: DType = .float32,
                                 using generator: inout RandomGenerator) -> Tensor {
        var t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.fillEach { _ in generator.bernoulli(p) }
        return t
    }

    /// Bernoulli(p) values drawn row by row: the elements split into
    /// `rows.count` equal contiguous rows (the leading axis, and whatever axes
    /// follow it, of a batch), the values of row i drawn in order from a
    /// generator seeded with `key` and `rows[i]`. So a row keyed r gets the
    /// same values in any tensor drawn with the same key, whichever rows are
    /// drawn beside it (and a longer row starts with a shorter one's values).
    public static func bernoulli(_ shape: [Int], probability p: Double, dtype: DType = .float32,
                                 key: UInt64, rows: [Int]) -> Tensor {
        var t = Tensor(uninitializedShape: shape, dtype: dtype)
        let perRow = rows.isEmpty ? 0 : t.count / rows.count
        precondition(perRow * rows.count == t.count, "Tensor.bernoulli: \(rows.count) rows do not divide shape \(shape)")
        var generator = RandomGenerator(seed: 0)
        t.fillEach { i in
            if i % perRow == 0 { generator = RandomGenerator(seed: key ^ (UInt64(truncatingIfNeeded: rows[i / perRow]) &* 0x9E37_79B9_7F4A_7C15)) }
            return generator.bernoulli(p)
        }
        return t
    }

    /// Beta(α, β)-distributed values (mixup coefficients).
    public static func beta(_ shape: [Int], alpha: Double, beta: Double, dtype: DType = .float32,
                            using generator: inout RandomGenerator) -> Tensor {
        var t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.fillEach { _ in generator.beta(alpha, beta) }
        return t
    }
}
