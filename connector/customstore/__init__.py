"""ShipStation Custom Store transport: the XML export and the ship notice."""
