print("maas")
