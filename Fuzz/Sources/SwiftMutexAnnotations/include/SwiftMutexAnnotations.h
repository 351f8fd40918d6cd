// Nothing to import: this target only defines symbols (see MutexAnnotations.c).
