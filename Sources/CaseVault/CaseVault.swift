import SodiumKit
