"""The ISV portal: vendors keep their own apps' listings and support terms true."""
