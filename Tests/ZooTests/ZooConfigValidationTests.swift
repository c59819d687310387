import Foundation
import NN
import Tensor
import XCTest
@testable import Zoo

/// A user's configuration values are checked before anything is built: out
/// of range is an error naming the model, the key and the range; too large
/// for the machine is an error from a shape-only build, not an allocation.
final class ZooConfigValidationTests: XCTestCase {
    func outOfRange(_ model: String, _ overrides: [String: Any]) -> ZooError? {
        do {
            _ = try ModelZoo.entry(named: model).configuration(size: .small, overrides: overrides)
            return nil
        } catch { return error as? ZooError }
    }

    func testValuesOutsideTheirRangeAreNamedWithTheRange() {
        XCTAssertEqual(outOfRange("moe", ["mixtures": 0]),
                       .configValueOutOfRange(model: "moe", field: "mixtures", value: "0", allowed: "an integer in 1…16777216"))
        XCTAssertEqual(outOfRange("moe", ["mixtures": -3])?.description,
                       "model moe: configuration field 'mixtures' is -3; it must be an integer in 1…16777216")
        XCTAssertEqual(outOfRange("attention-net", ["dropout": 1.5]),
                       .configValueOutOfRange(model: "attention-net", field: "dropout", value: "1.5", allowed: "a probability in [0, 1)"))
        XCTAssertEqual(outOfRange("attention-net", ["fcnSizes": [16, 0]]),
                       .configValueOutOfRange(model: "attention-net", field: "fcnSizes", value: "[16, 0]",
                                              allowed: "integers in 1…16777216 (found 0)"))
        XCTAssertEqual(outOfRange("moe", ["batchNormMomentum": 0]),
                       .configValueOutOfRange(model: "moe", field: "batchNormMomentum", value: "0.0", allowed: "a rate in (0, 1]"))
        XCTAssertNil(outOfRange("moe", ["mixtures": 4, "batchNormMomentum": 0.1]))
        // A number of repeated blocks may be 0 (a shallower model), never negative.
        XCTAssertNil(outOfRange("resnet-like", ["concatIdentityBlocks": 0]))
        XCTAssertEqual(outOfRange("resnet-like", ["avIdentityBlocks": -1])?.description,
                       "model resnet-like: configuration field 'avIdentityBlocks' is -1; it must be an integer in 0…16777216")
        // A chrono time scale is 0 (off) or a memory of at least 2 steps.
        XCTAssertNil(outOfRange("lstm", ["chronoTimescale": 0]))
        XCTAssertNil(outOfRange("gru", ["chronoTimescale": 300]))
        XCTAssertEqual(outOfRange("gru", ["chronoTimescale": 2]),
                       .configValueOutOfRange(model: "gru", field: "chronoTimescale", value: "2",
                                              allowed: "0 (off) or an integer in 3…16777216"))
    }

    func testEveryModelRefusesAnOutOfRangeCountInsteadOfTrapping() throws {
        for entry in ModelZoo.entries {
            let json = try entry.configuration(size: .small)
            let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            for (key, value) in fields where value is NSNumber {
                // An integer field refuses 0.5 and accepts 1 (a flag refuses both).
                guard case .badConfig? = outOfRange(entry.name, [key: 0.5]), outOfRange(entry.name, [key: 1]) == nil else { continue }
                // Counts of blocks may be 0 and must then build; every other count must not.
                let bad = key.lowercased().hasSuffix("blocks") || key.lowercased().hasSuffix("part") ? -1 : 0
                // Any count in range builds or is refused as a conflict between fields: never a trap.
                for value in bad == -1 ? [0, 3, 7] : [3, 7] {
                    do { _ = try entry.parameterCount(size: .small, overrides: [key: value], numClasses: 10) }
                    catch { guard case .badConfig? = error as? ZooError else { return XCTFail("\(entry.name).\(key): \(error)") } }
                }
                XCTAssertThrowsError(try entry.parameterCount(size: .small, overrides: [key: bad], numClasses: 10),
                                     "\(entry.name).\(key) = \(bad)") {
                    guard case .configValueOutOfRange(entry.name, key, "\(bad)", _)? = $0 as? ZooError else {
                        return XCTFail("\(entry.name).\(key): \($0)")
                    }
                }
            }
        }
    }

    /// Settings shared by several models sit in a field group (`head`), but
    /// users name their fields flat, as before the groups existed.
    func testTheFieldsOfAGroupAreNamedFlat() throws {
        let entry = try ModelZoo.entry(named: "netvlad")
        let json = try entry.configuration(size: .paper)
        let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(Set(fields.keys), ["batchNormMomentum", "clusterSize", "gating", "hiddenBatchNormReLU6", "hiddenSize",
                                          "lightVLAD", "mixtures", "probabilityGating", "transform"])
        XCTAssertEqual(fields["hiddenSize"] as? Int, 1024)

        // An override of a grouped field reaches the group: the same model as setting it in code.
        var config = NetVLADModel.Config()
        config.clusterSize = 8
        config.head.hiddenSize = 24
        config.head.gating = false
        let direct = Module.parameterCount { () -> Module in
            var rng = RandomGenerator(seed: 0)
            return NetVLADModel(config, numClasses: 10, rng: &rng)
        }
        XCTAssertEqual(try entry.parameterCount(size: .paper, overrides: ["clusterSize": 8, "hiddenSize": 24, "gating": false],
                                                numClasses: 10), direct)
        XCTAssertEqual(outOfRange("netvlad", ["mixtures": 0]),
                       .configValueOutOfRange(model: "netvlad", field: "mixtures", value: "0", allowed: "an integer in 1…16777216"))
        XCTAssertEqual(outOfRange("vlad-bow", ["dropout": 1.5]),
                       .configValueOutOfRange(model: "vlad-bow", field: "dropout", value: "1.5", allowed: "a probability in [0, 1)"))
        // The group itself is not a field a user can set.
        guard case .unknownConfigField(model: "vlad-bow", field: "head", _)? = outOfRange("vlad-bow", ["head": ["innerSize": 8]]) else {
            return XCTFail("a group's name was accepted as a field")
        }
    }

    func testFieldsThatDoNotFitTogetherAreNamed() {
        XCTAssertEqual(outOfRange("resnet-like-video-only", ["videoPart": 0])?.description,
                       "bad configuration for resnet-like-video-only: videoPart and audioPart are both 0: at least one branch must be used")
        XCTAssertEqual(outOfRange("resnet-like", ["videoPart": 2, "innerSize": 64])?.description,
                       "bad configuration for resnet-like: 2·innerSize = 128 does not divide into videoPart + audioPart = 3 parts")
        XCTAssertEqual(outOfRange("transformer", ["heads": 3])?.description,
                       "bad configuration for transformer: innerSize 32 does not split into 3 heads")
        XCTAssertEqual(outOfRange("td-conv", ["concatKernelSizes": [3, 4]])?.description,
                       "bad configuration for td-conv: kernel size 4 is even: kernels must be odd for \"same\" padding")
        XCTAssertNotNil(outOfRange("td-conv", ["videoChannels": [8]]))
    }

    func testAConfigurationTooLargeForTheMachineIsRefusedBeforeAllocating() throws {
        var rng = RandomGenerator(seed: 0)
        XCTAssertThrowsError(try ModelZoo.entry(named: "moe").build(size: .paper, overrides: ["mixtures": 10_000_000],
                                                                     numClasses: 3862, rng: &rng)) {
            guard case .tooLarge("moe", let parameters, _)? = $0 as? ZooError else { return XCTFail("\($0)") }
            XCTAssertGreaterThan(parameters, 10_000_000 * 3862)
            XCTAssertTrue("\($0)".contains("GiB"), "\($0)")
        }
    }
}
