/// The closest of `candidates` to a name a user mistyped, for a "did you
/// mean" hint: the smallest Levenshtein distance (ignoring case), if it is
/// at most a third of the longer name (so `netvlad2` suggests `netvlad`
/// and `zzz` suggests nothing). Ties go to the earlier candidate.
func nearestName(to name: String, among candidates: [String]) -> String? {
    let typed = Array(name.lowercased())
    var best: (name: String, distance: Int)? = nil
    for candidate in candidates {
        let distance = editDistance(typed, Array(candidate.lowercased()))
        guard distance * 3 <= max(typed.count, candidate.count), distance < (best?.distance ?? .max) else { continue }
        best = (candidate, distance)
    }
    return best?.name
}

/// Insertions, deletions and substitutions that turn `a` into `b`.
private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1] + [Int](repeating: 0, count: b.count)
        for (j, y) in b.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
