/// The ground truth of the segment task: which (segment, class) pairs were
/// rated and how. Only rated pairs count in ``SegmentMeanAveragePrecision``;
/// a segment never rated for a class is neither right nor wrong for it.
public struct SegmentRatingSet: Sendable {
    /// A rated pair.
    public struct Key: Hashable, Sendable {
        /// The segment's id, `VIDEO:START`.
        public var segmentID: String
        /// The rated class.
        public var classIndex: Int

        /// The pair of segment `segmentID` and class `classIndex`.
        public init(segmentID: String, classIndex: Int) {
            self.segmentID = segmentID
            self.classIndex = classIndex
        }
    }

    /// Every rated pair and whether it was rated positive.
    public private(set) var ratings: [Key: Bool] = [:]
    /// Positive ratings per class.
    public private(set) var positives: [Int: Int] = [:]

    /// A set with no rating.
    public init() {}

    /// Records a rating; a pair rated twice keeps its last rating, as the
    /// starter's label dictionary does.
    public mutating func add(segmentID: String, classIndex: Int, positive: Bool) {
        let key = Key(segmentID: segmentID, classIndex: classIndex)
        if let old = ratings.updateValue(positive, forKey: key), old { positives[classIndex, default: 0] -= 1 }
        if positive { positives[classIndex, default: 0] += 1 }
    }

    /// The rating of `segmentID` for `classIndex`, nil when the pair was not rated.
    public func rating(segmentID: String, classIndex: Int) -> Bool? {
        ratings[Key(segmentID: segmentID, classIndex: classIndex)]
    }

    /// Rated pairs.
    public var count: Int { ratings.count }
}
