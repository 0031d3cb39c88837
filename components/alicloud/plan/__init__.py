"""Pure planning for PAI: the seed catalogue, who gets what (grants), RAM policy rendering, quota ARNs. No Pulumi."""
