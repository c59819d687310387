import Foundation
import Testing
import Tensor
import NN

/// Shape mistakes in the attention and temporal layers stop with a message
/// naming the layer and the shapes. Each case runs in a child process (a
/// Swift Testing exit test) whose standard error is checked.
@Suite struct AttentionShapeErrorMessages {
    @Test func multiHeadSelfAttentionNamesTheInputAndTheEmbeddingSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            let mha = MultiHeadSelfAttention(embedDim: 8, numHeads: 2, rng: &rng)
            _ = mha(Tensor.zeros([2, 5, 6]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("MultiHeadSelfAttention: input [2, 5, 6] must be [batch, time, 8] (in-projection [24, 8])"))
    }

    @Test func aMaskOfTheWrongLengthNamesTheLayerTheInputAndTheMask() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            let layer = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 8, rng: &rng)
            _ = layer(Tensor.zeros([2, 5, 4]), mask: SequenceMask(lengths: [3, 4], time: 4))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("TransformerEncoderLayer: input [2, 5, 4] does not match the sequence mask [2, 4] (batch, time)"))
    }

    @Test func headsThatDoNotDivideTheEmbeddingAreRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            _ = MultiHeadSelfAttention(embedDim: 10, numHeads: 4, rng: &rng)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("MultiHeadSelfAttention: embedDim 10 must be a positive multiple of numHeads 4"))
    }

    @Test func samsungLayerNamesTheStepsBeyondItsPositionCodes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = RandomGenerator(seed: 1)
            let layer = SamsungTransformerLayer(inputSize: 4, outputSize: 3, numHeads: 1,
                                                positionCoding: .samsungSine(maxLength: 6), rng: &rng)
            _ = layer(Tensor.zeros([1, 8, 4]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("SamsungTransformerLayer: input [1, 8, 4] has 8 steps, more than the 6 position codes"))
    }
}
