"""The five Walloon provinces and the territorial officers who follow them."""
