// The NN layer; see ARCHITECTURE.md.
