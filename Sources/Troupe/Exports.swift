@_exported import TroupeCore
