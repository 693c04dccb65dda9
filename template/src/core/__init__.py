"""RAG core: settings, document loading and chunking, embedders, vector stores, answerers."""
