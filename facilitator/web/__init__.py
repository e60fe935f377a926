"""HTTP views: pages for people, the JSON API."""
