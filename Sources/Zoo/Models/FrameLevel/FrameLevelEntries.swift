import NN
import Tensor

/// The frame-level architectures of the zoo.
let frameLevelEntries: [ZooEntry] = [
    .make("frame-logistic", level: .frame,
          summary: "Logistic regression over the mean of the valid frames (starter code FrameLevelLogisticModel)",
          recipe: { var r = Recipe(batchSize: 1024, learningRate: 0.01); r.framesPerVideo = 300; return r }(),
          paper: LogisticModel.Config(), small: LogisticModel.Config(),
          parameterCount: { c, classes in (c.inputSize + 1) * classes },
          build: { c, classes, rng in LogisticModel(c, level: .frame, numClasses: classes, rng: &rng) }),
]
