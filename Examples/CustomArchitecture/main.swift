// A new frame-level architecture from NN layers, trained and evaluated on
// the embedded synthetic YouTube-8M data: NetVLAD over rgb and audio,
// a batch-normalised hidden layer, context gating, a linear classifier.
//   swift run -c release CustomArchitecture   (validation GAP@20 about 0.47)
import Training
import YT8MData
import NN
import Tensor
import Zoo

final class GatedVLAD: Module, ZooModel {
    let level = InputLevel.frame
    let numClasses: Int
    let video: NetVLAD, audio: NetVLAD, hidden: Linear, hiddenNorm: BatchNorm, gate: ContextGating, classifier: Linear

    init(numClasses: Int, clusters: Int = 8, hiddenSize: Int = 64, rng: inout RandomGenerator) {
        self.numClasses = numClasses
        // Batch-norm momentum 0.1, not WILLOW's 0.001: the running statistics
        // evaluation uses must settle within a run of a few hundred steps.
        video = NetVLAD(featureSize: 1024, clusters: clusters, batchNormMomentum: 0.1, rng: &rng)
        audio = NetVLAD(featureSize: 128, clusters: clusters / 2, batchNormMomentum: 0.1, rng: &rng)
        hidden = Linear(1024 * clusters + 128 * clusters / 2, hiddenSize, rng: &rng)
        hiddenNorm = BatchNorm(hiddenSize, epsilon: 1e-3, momentum: 0.1)   // the L2-normalised descriptor is tiny
        gate = ContextGating(hiddenSize, batchNormMomentum: 0.1, rng: &rng)
        classifier = Linear(hiddenSize, numClasses, rng: &rng)
    }

    var featureCount: Int { classifier.inFeatures }

    // The classifier's input: the pooled descriptor after the hidden layer and context gating.
    func features(_ input: ModelInput) -> Tensor {
        let x = InputTransform.l2.apply(input)
        let pooled = Tensor.concat([video(x.rgb, lengths: x.lengths), audio(x.audio, lengths: x.lengths)], axis: 1)
        return gate(relu(hiddenNorm(hidden(pooled))))
    }

    func classify(_ features: Tensor) -> ModelOutput { .logits(classifier(features)) }

    // Initial probabilities at the label frequencies: the classifier's bias at logit(q).
    func initializeOutputBias(toPrior prior: [Double]) { classifier.initializeOutputBias(toPrior: prior) }
}

let data = try SyntheticData.defaultDataset()
let info = try SyntheticData.info(of: data)
var rng = RandomGenerator(seed: 0)
let model = GatedVLAD(numClasses: info.numClasses, rng: &rng)
print(model.summary { _ = model(ModelInput(features: Tensor.zeros([2, 30, 1152]), lengths: [30, 12])) })

var trainOptions = YT8MDatasetOptions.training(level: .frame, format: info.format, batchSize: 64)
trainOptions.frameInput = .frames(.randomWithReplacement(count: 60))
let train = DatasetBatchSource(try YT8MDataset(files: info.paths(split: "train", level: .frame, in: data), options: trainOptions), repeats: true)
let validate = DatasetBatchSource(try YT8MDataset(files: info.paths(split: "validate", level: .frame, in: data),
                                                  options: YT8MDatasetOptions(level: .frame, format: info.format, batchSize: 64)),
                                  repeats: false)
var config = TrainingConfig()
config.steps = 300
config.learningRate = 1e-2
config.validateEvery = 100
let trainer = Trainer(model: model, config: config, directory: "runs/custom-architecture")
try trainer.run(training: train, validation: validate)
let r = try trainer.evaluate(on: validate)
print("validation GAP@20 \(r.globalAveragePrecision), MAP \(r.meanAveragePrecision), Hit@1 \(r.hitAtOne), PERR \(r.precisionAtEqualRecallRate)")
