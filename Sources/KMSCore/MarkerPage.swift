/// One page of a listing held in memory, whose marker is the key of the
/// last item of the previous page (tags, rotations, grants). A marker that
/// names no item is InvalidMarkerException, as AWS answers.
struct MarkerPage<Item> {
    let items: ArraySlice<Item>
    /// Nil on the last page.
    let nextMarker: String?

    var truncated: Bool { nextMarker != nil }

    init(_ all: [Item], key: (Item) -> String, marker: String?, limit: Int) throws(KMSError) {
        var start = all.startIndex
        if let marker {
            guard let index = all.firstIndex(where: { key($0) == marker }) else { throw KMSError(.invalidMarker, "Invalid marker.") }
            start = index + 1
        }
        let end = min(start + limit, all.endIndex)
        items = all[start..<end]
        nextMarker = end < all.endIndex ? key(all[end - 1]) : nil
    }
}
