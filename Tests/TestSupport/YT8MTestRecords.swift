import YT8MData

// Small YouTube-8M records with values worked out from their indices, for the data and training tests.

/// The byte of frame `frame`, dimension `dim` of feature `feature` of test video `video`.
public func testCode(video: Int, feature: Int, frame: Int, dim: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: video &* 31 &+ feature &* 7 &+ frame &* 13 &+ dim &* 3)
}

/// A small frame-level format (rgb 4 + audio 2 bytes per frame, 10 classes) for readable tests.
public let smallFrameFormat = YT8MRecordFormat(numClasses: 10,
                                        videoFeatures: [.init(name: "mean_rgb", size: 4), .init(name: "mean_audio", size: 2)],
                                        frameFeatures: [.init(name: "rgb", size: 4), .init(name: "audio", size: 2)])

/// Frame-level test video `video` with `frames` frames and labels {video % 10, (video + 3) % 10}.
public func testFrameRecord(video: Int, frames: Int, format: YT8MRecordFormat = smallFrameFormat) -> FrameLevelRecord {
    let data = format.frameFeatures.enumerated().map { feature, spec in
        (0..<frames).flatMap { t in (0..<spec.size).map { testCode(video: video, feature: feature, frame: t, dim: $0) } }
    }
    return FrameLevelRecord(id: "v\(video)", labels: [video % 10, (video + 3) % 10], frames: data)
}

/// Video-level test video `video`: feature value j is video + j/100.
public func testVideoRecord(video: Int, format: YT8MRecordFormat = smallFrameFormat) -> VideoLevelRecord {
    var j = 0
    let features = format.videoFeatures.map { spec in
        (0..<spec.size).map { _ -> Float in defer { j += 1 }; return Float(video) + Float(j) / 100 }
    }
    return VideoLevelRecord(id: "v\(video)", labels: [video % 10], features: features)
}

