"""Process runtime: embedded engines, start-up checks, the `up` supervisor."""
