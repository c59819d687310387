/// A class index with its predicted score.
public struct ClassScore: Equatable, Sendable {
    /// The class index.
    public var classIndex: Int
    /// The predicted score (probability or logit).
    public var score: Float

    /// Creates a (class, score) pair.
    public init(classIndex: Int, score: Float) {
        self.classIndex = classIndex
        self.score = score
    }

    /// The ranking order used by every metric here: higher score first; equal scores by lower class
    /// index first. NaN ranks below every number (metrics reject NaN before ranking).
    @inlinable
    public static func ranksBefore(_ a: ClassScore, _ b: ClassScore) -> Bool {
        let sa = a.score.isNaN ? -Float.infinity : a.score
        let sb = b.score.isNaN ? -Float.infinity : b.score
        return sa > sb || (sa == sb && a.classIndex < b.classIndex)
    }
}

/// Partial selection of the k best-ranked classes of one prediction row.
///
/// Order: score descending, ties by class index ascending (`ClassScore.ranksBefore`), so the result
/// is deterministic where the starter code's `numpy.argpartition` is implementation-defined. Cost
/// O(C + k log k · r) with r the number of heap replacements (≪ C for real scores): a size-k min-heap
/// of the best seen so far, not a full sort of the C classes.
public enum TopKSelection {
    /// The `min(k, scores.count)` best-ranked classes, best first.
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int) -> [ClassScore] {
        let n = scores.count
        let k = min(max(k, 0), n)
        if k == 0 { return [] }
        // heap[0] is the worst of the kept entries (a min-heap in ranking order).
        var heap: [ClassScore] = []
        heap.reserveCapacity(k)
        for i in 0..<n {
            let candidate = ClassScore(classIndex: i, score: scores[i])
            if heap.count < k {
                heap.append(candidate)
                siftUp(&heap, heap.count - 1)
            } else if ClassScore.ranksBefore(candidate, heap[0]) {
                heap[0] = candidate
                siftDown(&heap, 0)
            }
        }
        heap.sort(by: ClassScore.ranksBefore)
        return heap
    }

    /// The `min(k, scores.count)` best-ranked classes of an array row, best first.
    public static func select(_ scores: [Float], k: Int) -> [ClassScore] {
        scores.withUnsafeBufferPointer { select($0, k: k) }
    }

    /// The `min(k, pairs.count)` best-ranked entries of a sparse list of pairs, best first.
    public static func select(_ pairs: [ClassScore], k: Int) -> [ClassScore] {
        Array(pairs.sorted(by: ClassScore.ranksBefore).prefix(max(k, 0)))
    }

    /// "a is worse than b" in ranking order: the heap property keeps the worst at the root.
    @inline(__always)
    private static func worse(_ a: ClassScore, _ b: ClassScore) -> Bool {
        ClassScore.ranksBefore(b, a)
    }

    private static func siftUp(_ heap: inout [ClassScore], _ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard worse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func siftDown(_ heap: inout [ClassScore], _ index: Int) {
        var parent = index
        let n = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < n else { return }
            var worst = left
            if left + 1 < n && worse(heap[left + 1], heap[left]) { worst = left + 1 }
            guard worse(heap[worst], heap[parent]) else { return }
            heap.swapAt(worst, parent)
            parent = worst
        }
    }
}
