using Mnist.Predict;

return PredictApp.Run(args);
