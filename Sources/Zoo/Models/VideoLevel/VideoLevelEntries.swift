import NN
import Tensor

/// The video-level architectures of the zoo.
let videoLevelEntries: [ZooEntry] = [
    .make("logistic", level: .video,
          summary: "Logistic regression over mean_rgb ⊕ mean_audio (starter code LogisticModel)",
          recipe: Recipe(batchSize: 1024, learningRate: 0.01),
          paper: LogisticModel.Config(), small: LogisticModel.Config(),
          parameterCount: { c, classes in (c.inputSize + 1) * classes },
          build: { c, classes, rng in LogisticModel(c, level: .video, numClasses: classes, rng: &rng) }),
]
