import Verdict
import ArgumentParser
print("x")
