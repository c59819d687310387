import Foundation
import Testing
import Tensor

/// A shape mistake stops the program with a message naming the op and the
/// shapes. Each case runs in a child process (a Swift Testing exit test)
/// whose standard error is checked.
@Suite struct ShapeErrorMessages {
    @Test func matmulNamesBothShapesAndTheInnerDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([32, 1152]), Tensor.zeros([1024, 2048]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("matmul: [32, 1152] × [1024, 2048] — inner dimensions 1152 ≠ 1024"))
    }

    @Test func broadcastingNamesTheOpAndShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 4]) + Tensor.zeros([5])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("add: shapes [3, 4], [5] cannot be broadcast together"))
    }

    @Test func reshapeNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped(to: [4, 2])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("reshape: cannot reshape [2, 3] (6 elements) to [4, 2]"))
    }

    @Test func dtypeMismatchNamesTheOp() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2]) * Tensor.zeros([2], dtype: .float64)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("multiply: dtypes differ: float32[2] vs float64[2]"))
    }
}
