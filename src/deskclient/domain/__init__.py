"""Pure domain rules: no Textual, no SQL, no I/O. Everything here is a function of its inputs."""
