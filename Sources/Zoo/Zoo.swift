// The Zoo layer; see ARCHITECTURE.md.
