//! ZVT (PA00P015 commands, PA00P016 transport): the cash register (ECR) side, and enough of
//! the terminal (PT) side for the simulator. Codec modules are pure; transports do the I/O.

