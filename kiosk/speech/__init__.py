"""Reading aloud: voices, sentences, the clip cache, the worker pool and the engines behind it."""
