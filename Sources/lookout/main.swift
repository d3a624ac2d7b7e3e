import ArgumentParser
import LookoutCLI

LookoutCommand.main()
