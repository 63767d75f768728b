// PLLake: the bronze/silver/gold lake folder, its manifests, locks and promotions.
