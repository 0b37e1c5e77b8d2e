// placeholder: the run store implementation is being written
