import ArgumentParser

@main
struct TroupeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "troupe",
        abstract: "Run and manage Troupe actor nodes.",
        subcommands: [NodeCommand.self, CertsCommand.self])
}
