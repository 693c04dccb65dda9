"""Web interface (Streamlit): upload, search and ask, through the HTTP API only."""
