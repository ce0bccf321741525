"""The loading side: reading source files, checking them, deriving what is derived, writing them."""
