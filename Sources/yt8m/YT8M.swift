import Foundation
import TFRecord
import ArgumentParser
import Distributed
import Training

/// The `yt8m` command-line tool. Each subcommand lives in its own file as a `ParsableCommand`;
/// adding one means writing that file and listing its type in `subcommands` below.
@main
struct YT8M: ParsableCommand {
    static var configuration = CommandConfiguration(
        commandName: "yt8m",
        abstract: "YouTube-8M video classification: the model zoo, data, training and scoring.",
        discussion: """
            Data is read in the dataset's own format: TFRecord files of tf.train.Example \
            (video level) or tf.train.SequenceExample (frame level) records.

            Exit status: 0 on success, 1 on an error (message on standard error), \
            64 on a usage error, and 2 when `inspect` finds corrupt or invalid records.
            """,
        version: YT8MKitVersion.current,
        subcommands: [
            Inspect.self,
            Score.self,
            Synth.self,
            ZooList.self,
            Train.self,
            Eval.self,
            Predict.self,
            Export.self,
            Distill.self,
            Ensemble.self,
            Stack.self,
        ])
}

/// Stops a command that does not run data-parallel when `mpirun` started
/// several copies of it: each would do the whole work and race the others to
/// write the same files. Only `yt8m train` shares its work between ranks.
func requireOneProcess(_ command: String) throws {
    let ranks = MPICommunicator.launchedWorldSize
    guard ranks <= 1 else {
        throw ValidationError("yt8m \(command) runs in one process, not data-parallel (mpirun started \(ranks) ranks): run it without mpirun; only yt8m train shares its work between ranks")
    }
}
